// Command-line tasks on datasets, for operators.
import type { Database } from '../db/connect.js';
import { deleteDataset, listDatasets } from '../domain/datasets.js';
import { SYSTEM } from '../domain/policies.js';
import { listWorkspaces } from '../domain/workspaces.js';
import { table, type Io } from './io.js';

export async function listDatasetsTask(database: Database, workspace: string | undefined, io: Io): Promise<void> {
  const names = workspace ? [workspace] : (await listWorkspaces(database, SYSTEM)).items.map((w) => w.name);
  const rows = [['workspace', 'name', 'records', 'annotated', 'labels', 'created_by', 'inserted_at']];
  for (const name of names) {
    for (const d of await listDatasets(database, SYSTEM, name)) {
      rows.push([d.workspace, d.name, String(d.records), String(d.annotated), d.settings.labels.join(','), d.created_by ?? '-', d.inserted_at]);
    }
  }
  for (const line of table(rows)) io.out(line);
  io.out(`${rows.length - 1} dataset${rows.length === 2 ? '' : 's'}`);
}

export async function deleteDatasetTask(database: Database, workspace: string, name: string, io: Io): Promise<void> {
  await deleteDataset(database, SYSTEM, workspace, name);
  io.out(`Dataset '${name}' deleted from workspace '${workspace}', with its records and annotations.`);
}
