import { createRoot } from 'react-dom/client';
createRoot(document.getElementById('root')!).render(<h1>观点 Guandian</h1>);
