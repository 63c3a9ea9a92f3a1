// Entry of the job worker bundle (dist/worker/index.cjs): serves the app's task handlers.
import { serveTasks } from '../../jobs/serve';
import { handlers } from './handlers';

serveTasks(handlers);
