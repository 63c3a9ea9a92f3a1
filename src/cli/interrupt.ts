// Ctrl+C handling shared by the long-running commands: the first interrupt asks the work to stop
// cleanly (nothing half-written), a second one exits at once.
import { EXIT } from './exit';

/** Installs the handler on `signals`; returns the function that removes it. */
export function onInterrupt(message: string, stop: () => void, signals: NodeJS.Signals[] = ['SIGINT']): () => void {
  let interrupts = 0;
  const handler = (): void => {
    interrupts++;
    if (interrupts > 1) process.exit(EXIT.CANCELLED);
    process.stderr.write(`\n${message} (Ctrl+C again to quit at once)\n`);
    stop();
  };
  for (const s of signals) process.on(s, handler);
  return () => {
    for (const s of signals) process.off(s, handler);
  };
}
