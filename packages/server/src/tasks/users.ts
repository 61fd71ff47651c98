// Command-line tasks on users. They call the same domain functions as the HTTP API.
import type { Database } from '../db/connect.js';
import { unlockUser } from '../domain/auth.js';
import { createDefaultUser } from '../domain/defaultUser.js';
import { isDomainError } from '../domain/errors.js';
import { SYSTEM, type Role } from '../domain/policies.js';
import { createUser, deleteUser, eachUser, getUserByUsername, updateUser, type NewUser, type UserChanges } from '../domain/users.js';
import type { User } from '../domain/views.js';
import { quote, table, type Io } from './io.js';

function printUser(io: Io, heading: string, user: User, apiKey: string | null): void {
  io.out(heading);
  io.out(`• first_name: ${quote(user.first_name)}`);
  if (user.last_name) io.out(`• last_name: ${quote(user.last_name)}`);
  io.out(`• username: ${quote(user.username)}`);
  if (user.email) io.out(`• email: ${quote(user.email)}`);
  io.out(`• role: ${quote(user.role)}`);
  if (user.disabled) io.out(`• disabled: ${quote(true)}`);
  io.out(`• api_key: ${quote(apiKey ?? user.api_key_preview)}`);
  io.out(`• workspaces: ${quote(user.workspaces)}`);
}

/** `users create`. An existing username or key is reported and skipped (exit 0), as re-runs are common. */
export async function createUserTask(database: Database, input: NewUser, io: Io): Promise<void> {
  try {
    const { user, apiKey } = await createUser(database, SYSTEM, input);
    printUser(io, 'User successfully created:', user, apiKey);
  } catch (error) {
    if (isDomainError(error) && error.kind === 'conflict' && /_already_exists$/.test(error.code)) {
      io.out(`${error.message} Nothing to do.`);
      return;
    }
    throw error;
  }
}

export async function createDefaultUserTask(
  database: Database,
  options: { password?: string; apiKey?: string; role?: Role; quiet?: boolean },
  io: Io,
): Promise<void> {
  const outcome = await createDefaultUser(database, { password: options.password, apiKey: options.apiKey, role: options.role });
  // Quiet: nothing at all on success, whether the user was created or already there (errors are
  // thrown, and still reach stderr with a non-zero exit).
  if (options.quiet) return;
  if (!outcome.created) {
    io.out(outcome.reason);
    return;
  }
  printUser(io, 'User with default credentials successfully created:', outcome.user, outcome.apiKey);
  io.out('Change the default password and API key before exposing the server to anyone else.');
}

export async function listUsersTask(
  database: Database,
  filters: { role?: string; workspace?: string; q?: string; json?: boolean },
  io: Io,
): Promise<void> {
  const header = ['username', 'role', 'first_name', 'last_name', 'email', 'disabled', 'workspaces', 'inserted_at'];
  const rows: string[][] = [header];
  const all: User[] = [];
  for await (const user of eachUser(database, SYSTEM, filters)) all.push(user);
  if (filters.json) {
    io.out(JSON.stringify(all.map(({ api_key_preview, ...user }) => ({ ...user, api_key: api_key_preview })), null, 2));
    return;
  }
  for (const u of all) {
    rows.push([u.username, u.role, u.first_name, u.last_name ?? '', u.email ?? '', u.disabled ? 'yes' : 'no', u.workspaces.join(','), u.inserted_at]);
  }
  for (const line of table(rows)) io.out(line);
  io.out(`${all.length} user${all.length === 1 ? '' : 's'}`);
}

export async function deleteUserTask(database: Database, username: string, io: Io): Promise<void> {
  const user = await getUserByUsername(database, SYSTEM, username);
  await deleteUser(database, SYSTEM, user.id);
  io.out(`User '${username}' successfully deleted.`);
}

export async function updateUserTask(database: Database, username: string, changes: UserChanges, io: Io): Promise<void> {
  const user = await getUserByUsername(database, SYSTEM, username);
  if (Object.keys(changes).length === 0) {
    io.out(`Nothing to change for user '${username}': give at least one option (see --help).`);
    return;
  }
  const updated = await updateUser(database, SYSTEM, user.id, changes);
  printUser(io, `User '${username}' successfully updated:`, updated, null);
}

/** `users unlock`: forgets the user's failed logins from every address, lifting its login locks. */
export async function unlockUserTask(database: Database, username: string, io: Io): Promise<void> {
  const user = await getUserByUsername(database, SYSTEM, username);
  const { cleared_failures: cleared } = await unlockUser(database, SYSTEM, user.id);
  io.out(`User '${username}' unlocked: ${cleared} failed login${cleared === 1 ? '' : 's'} cleared.`);
}
