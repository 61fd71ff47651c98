// The client: credentials, the current workspace, and one method per API operation.
//
// `Argilla` is built in layers, one module each, every layer adding the methods of one part of the
// API to the one below it:
//   session.ts     Session         constructor, init, whoami, user, setWorkspace, getWorkspace,
//                                  login, logout, token, request
//   users.ts       UserCalls       listUsers, iterUsers, getUser, getUserByUsername, createUser,
//                                  updateUser, deleteUser, listUserWorkspaces, disableUser, enableUser
//   workspaces.ts  WorkspaceCalls  listWorkspaces, iterWorkspaces, getWorkspaceById,
//                                  getWorkspaceByName, createWorkspace, deleteWorkspace,
//                                  listWorkspaceMembers, listWorkspaceMembersPage, iterWorkspaceMembers,
//                                  addWorkspaceMember, removeWorkspaceMember
//   datasets.ts    DatasetCalls    listDatasets, getDataset, createDataset, deleteDataset, delete,
//                                  getSettings, updateSettings, copy
//   records.ts     RecordCalls     log, iterRecords, load, annotate
// The layers above the session use only its public methods (and `sendJsonText` for `log`), so the
// order is that of the API's reference in the client's README, nothing more. The limits the client applies
// come from the server's OpenAPI document (limits.ts); the HTTP exchange is transport.ts.
import { RecordCalls } from './records.js';

export { MAX_BATCH, NAME_PATTERN } from './limits.js';
export type { RequestOptions } from './session.js';

/**
 * A client of one server with one set of credentials. Several can live in one program (two
 * servers, or an admin and an annotator); the module-level functions use a default one.
 *
 * @example
 * const client = new Argilla({ apiUrl: 'http://localhost:6900', apiKey: 'argilla.apikey' });
 * await client.init();
 * console.log(client.getWorkspace());
 */
export class Argilla extends RecordCalls {}
