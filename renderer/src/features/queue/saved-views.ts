// Saved views of the queue, per associate, in the window's own storage. A view is a filter with
// a name: a preference of one person at one workstation, with nothing for the audit log or the
// reports to know, so it stays out of the database (and needs no write through the engine).

import { z } from 'zod';
import { queueFilterSchema, type QueueFilter } from '../../../../shared/ipc/recon-api';

/** A named filter an associate saved. */
export type SavedQueueView = { name: string; filter: QueueFilter };

const viewsSchema = z.array(z.object({ name: z.string().trim().min(1).max(60), filter: queueFilterSchema }));

/** The storage key of one associate's views. */
export function savedViewsKey(actor: string): string {
  return `recon.queue.views.${actor}`;
}

/** An associate's saved views, by name; none when storage holds nothing readable. */
export function readSavedViews(actor: string): SavedQueueView[] {
  try {
    const text = window.localStorage.getItem(savedViewsKey(actor));
    if (text === null) return [];
    const parsed = viewsSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

/** Saves a view under its name, replacing one of the same name; returns the views as now kept. */
export function saveView(actor: string, view: SavedQueueView): SavedQueueView[] {
  const views = [...readSavedViews(actor).filter((kept) => kept.name !== view.name), view].sort((left, right) => left.name.localeCompare(right.name));
  window.localStorage.setItem(savedViewsKey(actor), JSON.stringify(views));
  return views;
}

/** Deletes a view by name; returns the views as now kept. */
export function deleteView(actor: string, name: string): SavedQueueView[] {
  const views = readSavedViews(actor).filter((kept) => kept.name !== name);
  window.localStorage.setItem(savedViewsKey(actor), JSON.stringify(views));
  return views;
}
