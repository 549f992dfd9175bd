import { checkTemporaryEntries } from './temp-folders';

export default checkTemporaryEntries;
