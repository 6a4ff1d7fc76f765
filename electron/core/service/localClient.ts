import type { MethodName, ParamsOf, ResultOf, StationClient } from '../../common/api';
import type { Result } from '../../common/result';
import { localCallContext, type CallContext } from './context';
import type { Dispatcher } from './dispatcher';

/** A StationClient that calls the dispatcher in this process (CLI without a running service, tests). */
export class LocalStationClient implements StationClient {
  constructor(
    private readonly dispatcher: Dispatcher,
    private readonly ctx: CallContext = localCallContext('cli'),
  ) {}

  call<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<Result<ResultOf<M>>> {
    return this.dispatcher.invoke(method, params, this.ctx) as Promise<Result<ResultOf<M>>>;
  }
}
