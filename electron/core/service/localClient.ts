import type { MethodName, ParamsOf, ResultOf, StationClient } from '../../common/api';
import type { Result } from '../../common/result';
import type { Caller } from './context';
import type { Dispatcher } from './dispatcher';

/**
 * A StationClient that calls the dispatcher in this process (CLI without a running service, tests). It
 * carries a session like any other transport: the dispatcher checks it and the role exactly as for the bridge.
 */
export class LocalStationClient implements StationClient {
  private caller: Caller;

  constructor(
    private readonly dispatcher: Dispatcher,
    caller: Caller = { via: 'cli' },
  ) {
    this.caller = caller;
  }

  /** Uses `session` for the following calls (after auth.signIn). */
  useSession(session: string | null): void {
    this.caller = { ...this.caller, session };
  }

  call<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<Result<ResultOf<M>>> {
    return this.dispatcher.invoke(method, params, this.caller) as Promise<Result<ResultOf<M>>>;
  }
}
