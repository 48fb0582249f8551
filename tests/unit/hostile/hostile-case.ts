// One hostile or malformed input, named, with the outcome the engine must give it. The catalogue
// (hostile-catalogue.ts) lists them all; hostile-inputs.test.ts runs each against the real engine.

/** The families of hostile input the catalogue covers, in the order the README lists them. */
export const HOSTILE_CATEGORIES = [
  'formula injection',
  'amounts',
  'Base II structure',
  'IPM structure',
  'CSV faults',
  'Zelle re-exports',
  'dates',
  'audit log',
  'locks',
  'slow writers',
  'folder ingest',
  'bridge',
  'identity',
] as const;

/** One of HOSTILE_CATEGORIES. */
export type HostileCategory = (typeof HOSTILE_CATEGORIES)[number];

/** A named hostile input: what it is, what the engine must do with it, and the run that checks it. */
export type HostileCase = {
  /** Stable kebab-case name, unique in the catalogue. */
  id: string;
  title: string;
  category: HostileCategory;
  /** The outcome in one line, as the README shows it. */
  expected: string;
  /** Drives the real engine with the input and asserts the expected outcome; rejects when it differs. */
  run(): Promise<void>;
};
