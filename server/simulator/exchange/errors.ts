import { createHash } from 'node:crypto';

/**
 * Errors as the Exchange Online admin API returns them: an OData error whose details carry
 * "{code}|{exception type}|{message}", the text the PowerShell module shows.
 */

export const DOMAIN_CONTROLLER = 'AM0PR01A001DC01.EURPR01A001.prod.outlook.com';

export class ExchangeError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly exceptionType: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  body() {
    const tag = `Ex${createHash('md5').update(this.exceptionType).digest('hex').slice(0, 6).toUpperCase()}`;
    return {
      error: {
        code: this.code,
        message: 'Error executing cmdlet',
        details: [{ code: 'Context', target: '', message: `${tag}|${this.exceptionType}|${this.message}` }],
        innererror: {
          message: 'Error executing cmdlet',
          type: 'Microsoft.Exchange.Admin.OData.Core.ODataServiceException',
          stacktrace: '   at Microsoft.Exchange.AdminApi.CommandInvocation.CommandInvocation.InvokeCommand(QueryContext queryContext, CmdletInvokeInputType cmdletInvokeInputType)',
          internalexception: { message: this.message, type: this.exceptionType, stacktrace: '' },
        },
      },
    };
  }
}

const TASKS = 'Microsoft.Exchange.Configuration.Tasks';

export const notFoundError = (identity: string) =>
  new ExchangeError(404, 'NotFound', `${TASKS}.ManagementObjectNotFoundException`, `The operation couldn't be performed because object '${identity}' couldn't be found on '${DOMAIN_CONTROLLER}'.`);

export const ambiguousError = (identity: string) =>
  new ExchangeError(400, 'BadRequest', `${TASKS}.ManagementObjectAmbiguousException`, `The operation couldn't be performed because '${identity}' matches multiple entries.`);

export const bindingError = (message: string) => new ExchangeError(400, 'BadRequest', 'System.Management.Automation.ParameterBindingException', message);

export const taskError = (type: string, message: string, status = 400) => new ExchangeError(status, 'BadRequest', type, message);
