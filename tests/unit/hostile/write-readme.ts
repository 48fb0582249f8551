// Writes README.md of this folder from the catalogue: `npx tsx tests/unit/hostile/write-readme.ts`.

import fs from 'node:fs';
import path from 'node:path';
import { HOSTILE_CASES, renderCatalogueReadme } from './hostile-catalogue';

fs.writeFileSync(path.join(import.meta.dirname, 'README.md'), renderCatalogueReadme(HOSTILE_CASES));
