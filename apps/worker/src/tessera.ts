import { Command } from 'commander';
import { doctorCommand } from './doctor/doctorCommand';

// `tessera <command>`: operator commands. The worker itself stays `tessera-worker`.
const program = new Command('tessera')
  .description('Tessera operator commands')
  .addCommand(doctorCommand());

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error('tessera:', error);
  process.exitCode = 2;
});
