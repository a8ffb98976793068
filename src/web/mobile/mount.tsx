// Start-up shared by the courier and resident apps: antd-mobile on React 19 (its popups render
// through `unstableSetRender`), its locale following the app's language, and the router.
import { ConfigProvider, unstableSetRender } from 'antd-mobile';
import enUS from 'antd-mobile/es/locales/en-US';
import zhCN from 'antd-mobile/es/locales/zh-CN';
import { StrictMode, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { useLang } from '../i18n.js';
import './mobile.css';

// antd-mobile 5 renders Toast and Dialog with ReactDOM.render, which React 19 removed.
unstableSetRender((node, container) => {
  const root = createRoot(container);
  root.render(node);
  return async () => root.unmount();
});

function Localized({ children }: { children: ReactNode }) {
  const lang = useLang();
  return <ConfigProvider locale={lang === 'en' ? enUS : zhCN}>{children}</ConfigProvider>;
}

/** Renders a mobile app under `/<basename>`. */
export function mountMobileApp(basename: string, app: ReactNode): void {
  createRoot(document.getElementById('root') as HTMLElement).render(
    <StrictMode>
      <BrowserRouter basename={basename}>
        <Localized>{app}</Localized>
      </BrowserRouter>
    </StrictMode>,
  );
}
