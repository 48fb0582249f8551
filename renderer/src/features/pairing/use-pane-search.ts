import { useCallback, useRef, useState } from 'react';
import type { ChannelArgument, OpenRecord } from '../../../../shared/ipc/recon-api';
import { errorMessage, getReconApi, unwrapReply } from '../../api/recon-bridge';

/** Which side a counterpart search looks on. */
export type SearchSide = ChannelArgument<'records:search'>['side'];

/** How many open records one counterpart search asks for. */
export const SEARCH_LIMIT = 50;

/** One pane's search of the open records on its side: what it found, whether it is under way, why it failed. */
export type PaneSearch = {
  results: OpenRecord[] | undefined;
  isSearching: boolean;
  error: string | undefined;
  search: (text: string) => void;
};

/**
 * Each pane of the workbench searches its own side at the same time as the other, so the search
 * lives with the pane (and goes with the workbench) rather than in the store's single
 * counterpart search. Only the latest request may answer: a slow earlier one is dropped.
 */
export function usePaneSearch(side: SearchSide): PaneSearch {
  const [results, setResults] = useState<OpenRecord[] | undefined>(undefined);
  const [isSearching, setIsSearching] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const generation = useRef(0);
  const search = useCallback(
    (text: string) => {
      const query = text.trim();
      if (query === '') return;
      const current = ++generation.current;
      setIsSearching(true);
      setError(undefined);
      getReconApi()
        .searchOpenRecords({ side, text: query, limit: SEARCH_LIMIT })
        .then(unwrapReply)
        .then(
          (found) => {
            if (generation.current === current) setResults(found);
          },
          (failure: unknown) => {
            if (generation.current !== current) return;
            setResults(undefined);
            setError(errorMessage(failure));
          },
        )
        .finally(() => {
          if (generation.current === current) setIsSearching(false);
        });
    },
    [side],
  );
  return { results, isSearching, error, search };
}
