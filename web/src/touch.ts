/** True on touch screens (phones, tablets) where there is no mouse or trackpad to aim with. */
export function coarsePointer(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(pointer: coarse)').matches;
}
