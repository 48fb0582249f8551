import { describe, expect, it } from 'vitest';
import { senderRefusal, type FrameFacts } from '../../../main/electron/sender-check';

const OWN_PAGE = 'file:///opt/recon/resources/app/out/renderer/index.html';
const isOwnPage = (url: string): boolean => url === OWN_PAGE || url.startsWith(`${OWN_PAGE}#`);

// Stand-ins for Electron's WebFrameMain: the main frame is node 1 of the window's frame tree.
function frame(url: string, frameTreeNodeId = 1): FrameFacts {
  return { url, frameTreeNodeId };
}

describe('which frames may call main', () => {
  it('lets the window\'s main frame call while it shows the app\'s own page', () => {
    const main = frame(OWN_PAGE);
    expect(senderRefusal({ senderFrame: main, mainFrame: main }, isOwnPage)).toBeUndefined();
    // Electron may hand out a new object for the same frame: the frame, not the object, decides.
    expect(senderRefusal({ senderFrame: frame(`${OWN_PAGE}#/queue`), mainFrame: frame(`${OWN_PAGE}#/queue`) }, isOwnPage)).toBeUndefined();
  });

  it('refuses a frame inside the page, even one that loads the app\'s own page', () => {
    const main = frame(OWN_PAGE);
    const embedded = frame(OWN_PAGE, 2);
    expect(senderRefusal({ senderFrame: embedded, mainFrame: main }, isOwnPage)).toBe(
      `A frame inside the workstation's page (${OWN_PAGE}) was refused: only the page itself may call.`,
    );
  });

  it('refuses a main frame navigated to another page, and a frame that is gone', () => {
    const elsewhere = frame('https://evil.example/');
    expect(senderRefusal({ senderFrame: elsewhere, mainFrame: elsewhere }, isOwnPage)).toBe(
      'A page that is not the workstation\'s own (https://evil.example/) was refused.',
    );
    const injected = frame('https://evil.example/frame', 3);
    expect(senderRefusal({ senderFrame: injected, mainFrame: frame(OWN_PAGE) }, isOwnPage)).toBe(
      'A page that is not the workstation\'s own (https://evil.example/frame) was refused.',
    );
    expect(senderRefusal({ senderFrame: null, mainFrame: frame(OWN_PAGE) }, isOwnPage)).toBe('A page that is not the workstation\'s own (unknown) was refused.');
  });
});
