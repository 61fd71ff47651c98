// Entry point: mounts the app. Loaded as a file (never inline) so the page's Content-Security-Policy
// can forbid inline scripts.
import { render } from 'preact';
import { App } from './app.js';
import './style.css';

render(<App />, document.getElementById('app')!);
