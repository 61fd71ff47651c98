import type { Database } from '../db/connect.js';
import { SYSTEM } from '../domain/policies.js';
import { getUserByUsername } from '../domain/users.js';
import {
  addMember,
  createWorkspace,
  deleteWorkspace,
  getWorkspaceByName,
  listMembers,
  listWorkspaces,
  removeMember,
} from '../domain/workspaces.js';
import type { Io } from './io.js';

export async function listWorkspacesTask(database: Database, io: Io): Promise<void> {
  const { items } = await listWorkspaces(database, SYSTEM);
  for (const w of items) {
    const members = await listMembers(database, SYSTEM, w.id);
    io.out(`${w.name}  (${members.length} member${members.length === 1 ? '' : 's'}${members.length ? `: ${members.map((m) => m.username).join(', ')}` : ''})`);
  }
  io.out(`${items.length} workspace${items.length === 1 ? '' : 's'}`);
}

export async function createWorkspaceTask(database: Database, name: string, io: Io): Promise<void> {
  await createWorkspace(database, SYSTEM, name);
  io.out(`Workspace '${name}' successfully created.`);
}

export async function deleteWorkspaceTask(database: Database, name: string, io: Io): Promise<void> {
  const workspace = await getWorkspaceByName(database, SYSTEM, name);
  await deleteWorkspace(database, SYSTEM, workspace.id);
  io.out(`Workspace '${name}' successfully deleted.`);
}

export async function addUserToWorkspaceTask(database: Database, name: string, username: string, io: Io): Promise<void> {
  const workspace = await getWorkspaceByName(database, SYSTEM, name);
  const user = await getUserByUsername(database, SYSTEM, username);
  await addMember(database, SYSTEM, workspace.id, user.id);
  io.out(`User '${username}' successfully added to workspace '${name}'.`);
}

export async function removeUserFromWorkspaceTask(database: Database, name: string, username: string, io: Io): Promise<void> {
  const workspace = await getWorkspaceByName(database, SYSTEM, name);
  const user = await getUserByUsername(database, SYSTEM, username);
  await removeMember(database, SYSTEM, workspace.id, user.id);
  io.out(`User '${username}' successfully removed from workspace '${name}'.`);
}
