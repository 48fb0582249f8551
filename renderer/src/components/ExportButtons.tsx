import type { ListExport } from '../../../shared/ipc/recon-api';
import { downloadBase64File } from '../features/audit/download-file';
import type { ExportMessage } from '../store/list-export-message';

/**
 * Export the filter a list shows to XLSX or CSV: the desktop asks where to save it, a browser
 * downloads it.
 */
export function ExportButtons(props: {
  isExporting: boolean;
  message: ExportMessage | undefined;
  onExport: (format: 'xlsx' | 'csv') => Promise<ListExport | undefined>;
}) {
  async function run(format: 'xlsx' | 'csv') {
    const result = await props.onExport(format);
    if (result?.status === 'download') downloadBase64File(result.fileName, result.contentBase64, result.mediaType);
  }

  return (
    <div className="queue-export">
      <button type="button" className="button-small" disabled={props.isExporting} onClick={() => void run('xlsx')}>
        Export XLSX
      </button>
      <button type="button" className="button-small" disabled={props.isExporting} onClick={() => void run('csv')}>
        Export CSV
      </button>
      {props.message ? (
        <p className={props.message.isError ? 'error-alert' : 'queue-export-message'} role={props.message.isError ? 'alert' : 'status'}>
          {props.message.text}
        </p>
      ) : null}
    </div>
  );
}
