import { recordTemporaryEntries } from './temp-folders';

export default recordTemporaryEntries;
