// recon profiles: the CSV feed profiles a file is recognised by. Reads the folder only: listing
// profiles must not create a database.

import { BUILTIN_PROFILES } from '../../engine/feeds/csv/builtin-profiles';
import { loadProfilesFromFolder } from '../../engine/feeds/csv/feed-profile';
import { EXIT_FAILED, EXIT_OK, PROFILES_OPTION, profilesFolder, type CommandLine, type Output } from '../command';

export const name = 'profiles';

export const summary = [{ call: '', text: "the CSV feed profiles recognised (built in and the user's)" }];

export const usage = ['recon profiles [--profiles DIR]'];

export const description = `Lists the CSV feed profiles a file is recognised by: the built-in ones and the user's JSON
profiles, and says what is wrong with any user profile that cannot be used.`;

export const options = [PROFILES_OPTION];

export function run({ values }: CommandLine, output: Output): number {
  const folder = profilesFolder(values);
  const loaded = loadProfilesFromFolder(folder);
  for (const profile of [...BUILTIN_PROFILES, ...loaded.profiles]) {
    const origin = BUILTIN_PROFILES.includes(profile) ? 'built in' : folder;
    output.out(`${profile.id.padEnd(28)} ${profile.side.padEnd(8)} ${profile.label} (${origin})`);
  }
  for (const problem of loaded.errors) output.err(`unusable profile: ${problem}`);
  return loaded.errors.length > 0 ? EXIT_FAILED : EXIT_OK;
}
