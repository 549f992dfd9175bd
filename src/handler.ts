/**
 * The Lambda entry (`Handler: handler.handler`). Its top level is the function's init (lambda.ts):
 * every setting is read and checked, and the secrets they name are read, before the first batch;
 * a bad setting or an unreadable secret stops the function here with a message that names it.
 */
import { createHandler } from './lambda';

export const handler = await createHandler(process.env);
