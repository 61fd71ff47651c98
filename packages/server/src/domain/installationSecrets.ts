// Secrets of the installation as a whole (the key of unknown login names' digests, the key that
// seals sign-ins in progress): one row each, shared by every server process that uses the
// database, created on first need and read once per database handle.
import type { Database } from '../db/connect.js';
import { findInstallationSecret, insertInstallationSecretIfMissing } from '../db/repos/installationSecrets.js';
import { nowIso } from '../lib/time.js';

const secrets = new WeakMap<Database, Map<string, Promise<string>>>();

/** The secret named `name`, made with `make` and stored when the database has none yet. */
export function installationSecret(database: Database, name: string, make: () => string): Promise<string> {
  let byName = secrets.get(database);
  if (!byName) {
    byName = new Map();
    secrets.set(database, byName);
  }
  let secret = byName.get(name);
  if (!secret) {
    secret = (async () => {
      const found = await findInstallationSecret(database.db, name);
      if (found !== undefined) return found;
      // Another process may store its own at the same moment: the one stored first is everyone's.
      await insertInstallationSecretIfMissing(database.db, name, make(), nowIso());
      return (await findInstallationSecret(database.db, name))!;
    })();
    // A failed read is not kept: the next call tries again.
    const known = byName;
    secret.catch(() => known.delete(name));
    byName.set(name, secret);
  }
  return secret;
}
