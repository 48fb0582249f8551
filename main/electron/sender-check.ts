// Which frames may call main. Kept apart from the registry, and free of electron, so that the
// rule is a plain function over the frames' facts that a unit test can hold to account.

/**
 * A frame as the check sees it (Electron's WebFrameMain has both): the URL it shows, and the id of
 * its place in the window's frame tree, which compares frames without relying on Electron handing
 * out one JavaScript object per frame.
 */
export type FrameFacts = { readonly url: string; readonly frameTreeNodeId: number };

/** The frames behind one IPC call: the frame that sent it (none once it is gone) and its window's main frame. */
export type SenderFrames = { senderFrame: FrameFacts | null | undefined; mainFrame: FrameFacts };

/**
 * Why a call is refused, or undefined when it may go on. Only the window's main frame showing
 * the app's own page may call: an injected or embedded frame (even one that loads the app's own
 * page) and a page navigated elsewhere are refused before any handler runs.
 */
export function senderRefusal(frames: SenderFrames, isOwnPage: (url: string) => boolean): string | undefined {
  const url = frames.senderFrame?.url ?? '';
  if (!frames.senderFrame || !isOwnPage(url)) return `A page that is not the workstation's own (${url || 'unknown'}) was refused.`;
  if (frames.senderFrame.frameTreeNodeId !== frames.mainFrame.frameTreeNodeId) return `A frame inside the workstation's page (${url}) was refused: only the page itself may call.`;
  return undefined;
}
