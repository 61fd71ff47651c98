// Datasets and their settings. Every dataset call names its workspace in the `workspace` query
// parameter: the `{ workspace }` option, else the current workspace (init, setWorkspace). With
// neither, it rejects with a WorkspaceError (`workspace_required`) before sending anything.
import { checkWorkspaceName, datasetWorkspace } from './session.js';
import { WorkspaceCalls } from './workspaces.js';
import type { CopyOptions, CreateDatasetOptions, Dataset, DatasetSettings, LabelsEdit, SettingsInput, WorkspaceOption } from './types.js';

/** The dataset calls of `Argilla` (see client.ts). */
export class DatasetCalls extends WorkspaceCalls {
  /**
   * The datasets of a workspace, in creation order, each with its `records` and `annotated` counts
   * (admins, and members of the workspace; `NotFoundError` for anyone else).
   *
   * @example
   * const datasets = await client.listDatasets({ workspace: 'team' });
   * console.log(datasets.map((d) => `${d.name}: ${d.annotated}/${d.records}`));
   */
  async listDatasets(options: WorkspaceOption = {}): Promise<Dataset[]> {
    const workspace = datasetWorkspace(this, options.workspace, 'listDatasets');
    return (await this.request('GET /api/datasets', { query: { workspace } })).body;
  }

  /**
   * One dataset by name, with its counts. Rejects with `NotFoundError` (`dataset_not_found`, or
   * `workspace_not_found` for a workspace the caller cannot see).
   *
   * @example
   * const reviews = await client.getDataset('reviews');
   * console.log(reviews.settings.labels, reviews.records);
   */
  async getDataset(name: string, options: WorkspaceOption = {}): Promise<Dataset> {
    const workspace = datasetWorkspace(this, options.workspace, 'getDataset');
    return (await this.request('GET /api/datasets/{name}', { path: { name }, query: { workspace } })).body;
  }

  /**
   * Creates a dataset (admin) with its labelling schema. Rejects with `ForbiddenError` for an
   * annotator, `AlreadyExistsError` if the workspace has a dataset of that name, `ValidationError`
   * for a bad name or settings.
   *
   * @example
   * await client.createDataset('reviews', { settings: { labels: ['pos', 'neg'] }, workspace: 'team' });
   */
  async createDataset(name: string, options: CreateDatasetOptions = {}): Promise<Dataset> {
    const workspace = datasetWorkspace(this, options.workspace, 'createDataset');
    const body = options.settings === undefined ? { name } : { name, settings: options.settings };
    return (await this.request('POST /api/datasets', { query: { workspace }, body })).body;
  }

  /**
   * Deletes a dataset with its records and annotations (admin); resolves to the deleted dataset.
   * The module-level function is also exported as `delete`, as in the Python client.
   *
   * @example
   * await client.deleteDataset('reviews', { workspace: 'team' });
   */
  async deleteDataset(name: string, options: WorkspaceOption = {}): Promise<Dataset> {
    const workspace = datasetWorkspace(this, options.workspace, 'delete');
    return (await this.request('DELETE /api/datasets/{name}', { path: { name }, query: { workspace } })).body;
  }

  /**
   * The same as `deleteDataset`, under the Python client's name.
   *
   * @example
   * await client.delete('reviews');
   */
  delete(name: string, options: WorkspaceOption = {}): Promise<Dataset> {
    return this.deleteDataset(name, options);
  }

  /**
   * A dataset's labelling schema: `{ task: 'text_classification', labels, multi_label }`.
   *
   * @example
   * const { labels } = await client.getSettings('reviews');
   */
  async getSettings(name: string, options: WorkspaceOption = {}): Promise<DatasetSettings> {
    const workspace = datasetWorkspace(this, options.workspace, 'getSettings');
    return (await this.request('GET /api/datasets/{name}/settings', { path: { name }, query: { workspace } })).body;
  }

  /**
   * Replaces a dataset's labelling schema (admin): fields left out take their defaults (`labels: []`,
   * `multi_label: false`), so pass the whole schema. Existing annotations are kept as they are.
   *
   * @example
   * await client.updateSettings('reviews', { labels: ['pos', 'neg', 'neutral'], multi_label: true });
   */
  async updateSettings(name: string, settings: SettingsInput, options: WorkspaceOption = {}): Promise<DatasetSettings> {
    const workspace = datasetWorkspace(this, options.workspace, 'updateSettings');
    return (await this.request('PUT /api/datasets/{name}/settings', { path: { name }, query: { workspace }, body: settings })).body;
  }

  /**
   * Changes a dataset's labels (admin), keeping its annotations consistent: `labels` is the new
   * list (renamed labels under their new name), `renames` the `{ from, to }` pairs the annotations
   * follow, `multi_label` optional. Rejects with `AlreadyExistsError` (409, code `label_in_use`)
   * when a label left out is still used by annotations, or multi-label is turned off while some
   * annotations hold several labels; its `detail` says what to do.
   *
   * @example
   * await client.editLabels('reviews', { labels: ['positive', 'neg', 'neutral'], renames: [{ from: 'pos', to: 'positive' }] });
   */
  async editLabels(name: string, edit: LabelsEdit, options: WorkspaceOption = {}): Promise<DatasetSettings> {
    const workspace = datasetWorkspace(this, options.workspace, 'editLabels');
    return (await this.request('PATCH /api/datasets/{name}/settings', { path: { name }, query: { workspace }, body: edit })).body;
  }

  /**
   * Copies a dataset, with its settings, records and annotations (authors included), from the
   * current workspace (or `sourceWorkspace`) to `workspace` (default: the same one), under
   * `nameOfCopy` (admin). Rejects with `NotFoundError` for an unknown target workspace and
   * `AlreadyExistsError` if the target has a dataset of that name.
   *
   * @example
   * await client.setWorkspace('team');
   * const copy = await client.copy('reviews', 'reviews-2023', { workspace: 'archive' });
   */
  async copy(name: string, nameOfCopy: string, options: CopyOptions = {}): Promise<Dataset> {
    const source = datasetWorkspace(this, options.sourceWorkspace, 'copy');
    const target = options.workspace ?? source;
    checkWorkspaceName(target);
    return (
      await this.request('POST /api/datasets/{name}:copy', { path: { name }, query: { workspace: source }, body: { name: nameOfCopy, target_workspace: target } })
    ).body;
  }
}
