// Important: the window's CSP forbids inline scripts, which is how the React plugin would inject its
// fast-refresh preamble in `vite dev`; importing it first does the same from a module. In a build it is empty.
import '@vitejs/plugin-react/preamble';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import './styles.css';

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');

createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
