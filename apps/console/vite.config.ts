import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import Components from 'unplugin-vue-components/vite';
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers';

// Element Plus components (and their CSS) are imported where a template uses them; ECharts is
// imported dynamically by the chart components only, so it loads with the venue page.
export default defineConfig({
  base: '/',
  plugins: [vue(), Components({ dts: false, resolvers: [ElementPlusResolver({ importStyle: 'css' })] })],
  build: {
    target: 'es2022',
    reportCompressedSize: true,
    chunkSizeWarningLimit: 700,
  },
  server: { port: 5180, strictPort: false },
});
