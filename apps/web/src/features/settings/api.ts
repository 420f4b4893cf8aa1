import { queryOptions } from '@tanstack/react-query';
import { client, type Schemas, unwrap } from '../../api/client';

export type Session = Schemas['SessionDto'];
export type DeletionStatus = Schemas['DeletionStatusDto'];

export const meQuery = queryOptions({
  queryKey: ['me'],
  queryFn: () => unwrap(client.GET('/v1/auth/me')),
});

export const sessionsQuery = queryOptions({
  queryKey: ['sessions'],
  queryFn: () => unwrap(client.GET('/v1/auth/sessions')),
});

export const changePassword = (currentPassword: string, newPassword: string) =>
  unwrap(client.POST('/v1/auth/password', { body: { currentPassword, newPassword } }));

export const revokeSession = (id: string) =>
  unwrap(client.DELETE('/v1/auth/sessions/{id}', { params: { path: { id } } }));

export const deleteAccount = (password: string) =>
  unwrap(client.DELETE('/v1/auth/me', { body: { password } }));

export type ExportFormat = 'json' | 'csv';

// Streams the export, telling how many bytes have arrived, and answers it as a file to save.
export async function downloadExport(
  format: ExportFormat,
  onProgress: (bytes: number) => void,
): Promise<{ blob: Blob; filename: string }> {
  const { response } = await client.GET('/v1/export', { params: { query: { format } }, parseAs: 'stream' });
  if (!response.ok) {
    // The error body is the API's error shape: let unwrap read it.
    const error: unknown = await response.json().catch(() => ({}));
    await unwrap(Promise.resolve({ error, response }));
  }
  const reader = response.body?.getReader();
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  let bytes = 0;
  for (;;) {
    if (!reader) break;
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    bytes += value.byteLength;
    onProgress(bytes);
  }
  const type = format === 'csv' ? 'application/zip' : 'application/json';
  const disposition = response.headers.get('Content-Disposition') ?? '';
  const filename =
    /filename="([^"]+)"/.exec(disposition)?.[1] ?? `export.${format === 'csv' ? 'zip' : 'json'}`;
  return { blob: new Blob(chunks, { type }), filename };
}

// The deletion's progress, read with the status link of its 202 (it needs no session: the session is gone).
export async function readDeletion(statusUrl: string): Promise<DeletionStatus> {
  const res = await fetch(statusUrl, { headers: { Accept: 'application/json' } });
  if (!res.ok) throw new Error(`The deletion's progress could not be read (${res.status})`);
  return (await res.json()) as DeletionStatus;
}
