import type { Config } from '../../config.js';
import { consolePayProvider, type PayProvider } from './payments.provider.js';
import { wechatPayProvider } from './wechat-pay.js';

/** The payment provider the configuration names (PAY_PROVIDER). */
export function payProviderFor(config: Config): PayProvider {
  return config.pay.provider === 'wechat' ? wechatPayProvider(config.pay) : consolePayProvider;
}
