// WeChat downloads a new version of the mini-program in the background and runs it only from the
// next cold start; until then the installed build keeps running and sending its own trusted
// documents (the router keeps those, docs/decisions/0035). Offering the restart as soon as the new
// version is ready shortens that time for people who keep the app open.

/** The part of uni-app's API this uses (`uni` itself in the app). */
export interface UpdateApi {
  /** Absent in H5 and in old base libraries. */
  getUpdateManager?: () => { onUpdateReady(listener: () => void): void; applyUpdate(): void };
  showModal(options: {
    title: string;
    content: string;
    confirmText: string;
    cancelText: string;
    success: (result: { confirm: boolean }) => void;
  }): void;
}

export function offerNewVersionWhenReady(api: UpdateApi): void {
  if (typeof api.getUpdateManager !== 'function') return;
  const updates = api.getUpdateManager();
  updates.onUpdateReady(() => {
    api.showModal({
      title: '发现新版本',
      content: '新版本已准备好，重启小程序即可使用。',
      confirmText: '重启',
      cancelText: '稍后',
      success: ({ confirm }) => {
        if (confirm) updates.applyUpdate();
      },
    });
  });
}
