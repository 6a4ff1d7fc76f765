import type { MethodName, ParsedParamsOf, ResultOf } from '../../common/api';
import type { Role } from '../../common/schemas';
import type { Station } from '../station/station';

export interface CallContext {
  /** The signed-in user, when the transport knows one. */
  user: { id: string; role: Role } | null;
  /** Transport name for logs: 'http', 'ipc', 'cli'. */
  via: string;
}

export type Handler<M extends MethodName> = (
  params: ParsedParamsOf<M>,
  ctx: CallContext,
) => ResultOf<M> | Promise<ResultOf<M>>;

export type HandlersFor<K extends MethodName> = { [M in K]: Handler<M> };

export type HandlerFactory<K extends MethodName> = (station: Station) => HandlersFor<K>;
