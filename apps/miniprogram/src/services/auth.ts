// Sign-in: wx.login() code → loginWithWeChat; in H5 development the fake WeChat server's codes
// (`test-<name>`). Tokens live in storage and are refreshed silently by the session.
import { reactive } from 'vue';
import {
  MpLoginDocument,
  type MpLoginMutation,
  type MpSessionFragment,
} from '@sport-venue/graph-client/miniprogram';
import { isH5 } from './config.ts';
import { resetSocket, run, session } from './graph.ts';

const USER_KEY = 'sv.user';

export const auth = reactive<{ user: MpSessionFragment['user'] | null }>({
  user: (uni.getStorageSync(USER_KEY) as MpSessionFragment['user'] | '') || null,
});

export function rememberUser(user: MpSessionFragment['user']) {
  auth.user = user;
  uni.setStorageSync(USER_KEY, user);
}

function weChatCode(): Promise<string> {
  return new Promise((resolve, reject) =>
    uni.login({
      provider: 'weixin',
      success: (res) => resolve(res.code),
      fail: (err) => reject(new Error(err.errMsg)),
    }),
  );
}

/** Logs in; `devName` picks the fake WeChat user in H5 development. Returns whether the user is new. */
export async function logIn(devName?: string): Promise<boolean> {
  const code = isH5 ? `test-${devName || 'guest'}` : await weChatCode();
  const data = await run<MpLoginMutation, { code: string }>(MpLoginDocument, { code });
  const { user, isNewUser, ...tokens } = data.loginWithWeChat;
  await session.signIn(tokens);
  await resetSocket();
  rememberUser(user);
  return isNewUser;
}

export async function isSignedIn(): Promise<boolean> {
  return (await session.accessToken().catch(() => null)) !== null;
}

/** Sends to the login page when there is no usable session. */
export async function requireLogin(): Promise<boolean> {
  if (await isSignedIn()) return true;
  uni.navigateTo({ url: '/pages/login/login' });
  return false;
}

export async function logOut() {
  await session.signOut();
  await resetSocket();
  auth.user = null;
  uni.removeStorageSync(USER_KEY);
}
