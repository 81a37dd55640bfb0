// The restart offer into a version WeChat has downloaded (src/lib/app-update.ts), against a stand-in
// for WeChat's update manager and modal: what the app does with their callbacks.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { offerNewVersionWhenReady, type UpdateApi } from '../src/lib/app-update.ts';

function weChat(confirm: boolean) {
  const seen = { modals: 0, applied: 0, ready: undefined as (() => void) | undefined };
  const api: UpdateApi = {
    getUpdateManager: () => ({
      onUpdateReady: (listener) => (seen.ready = listener),
      applyUpdate: () => (seen.applied += 1),
    }),
    showModal: ({ success }) => {
      seen.modals += 1;
      success({ confirm });
    },
  };
  return { api, seen };
}

describe('the new-version offer', () => {
  it('asks once the new version is downloaded, and restarts into it when accepted', () => {
    const { api, seen } = weChat(true);
    offerNewVersionWhenReady(api);
    assert.equal(seen.modals, 0, 'nothing to offer before the download is ready');
    seen.ready!();
    assert.deepEqual([seen.modals, seen.applied], [1, 1]);
  });

  it('keeps the running version when the user says later', () => {
    const { api, seen } = weChat(false);
    offerNewVersionWhenReady(api);
    seen.ready!();
    assert.deepEqual([seen.modals, seen.applied], [1, 0]);
  });

  it('does nothing where there is no update manager (H5)', () => {
    let modals = 0;
    offerNewVersionWhenReady({ showModal: () => (modals += 1) });
    assert.equal(modals, 0);
  });
});
