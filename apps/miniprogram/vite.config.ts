import { defineConfig } from 'vite';
import uniModule from '@dcloudio/vite-plugin-uni';

// The plugin is CommonJS: under an ESM config its factory arrives as `default` of the namespace.
const uni = ((uniModule as unknown as { default?: typeof uniModule }).default ??
  uniModule) as typeof uniModule;

export default defineConfig({
  plugins: [uni()],
});
