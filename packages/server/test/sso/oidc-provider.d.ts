// oidc-provider ships no type declarations: the tests use it through provider.ts, loosely typed.
declare module 'oidc-provider' {
  const Provider: new (issuer: string, configuration: Record<string, unknown>) => {
    callback(): (request: import('node:http').IncomingMessage, response: import('node:http').ServerResponse) => void;
    Grant: new (properties: { clientId: string; accountId: string }) => {
      addOIDCScope(scope: string): void;
      addOIDCClaims(claims: string[]): void;
      save(): Promise<string>;
    };
    proxy: boolean;
  };
  export default Provider;
}
