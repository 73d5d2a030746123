import { createContext, useContext } from 'react';
import type { Me } from './api';

export interface AppData {
  me: Me;
  channels: string[];
}

export const AppDataContext = createContext<AppData | null>(null);

export function useAppData(): AppData {
  const v = useContext(AppDataContext);
  if (!v) throw new Error('useAppData outside provider');
  return v;
}

export function canAnalyze(me: Me): boolean {
  return me.roles.some((r) => r === 'analyst' || r === 'labeler' || r === 'admin');
}

export function canLabel(me: Me): boolean {
  return me.roles.some((r) => r === 'labeler' || r === 'admin');
}

export function isAdmin(me: Me): boolean {
  return me.roles.includes('admin');
}
