import {
  type SealedLoginRequest,
  type SealedRefreshRequest,
  type SealedSignupRequest,
} from './auth/credentials.dto';
import { type SealedTokenPair, type UserDto } from './auth/auth.responses';
import {
  type LogoutRequest,
  type MeRequest,
  type RevocationsListRequest,
  type RevocationsListResponse,
} from './auth/session.payloads';
import {
  type FeedSinceRequest,
  type FeedSinceResponse,
  type StreamTicketIssueRequest,
  type StreamTicketIssued,
  type StreamTicketRedeemRequest,
  type StreamTicketRedeemed,
} from './feed/feed.dto';
import { type PingResponse } from './health/ping';
import { type MessagePattern } from './patterns';
import {
  type ExchangeRequest,
  type ExchangeResultDto,
  type ItemDto,
  type ItemListDto,
  type ItemRef,
  type LinkTokenDto,
  type LinkTokenRequest,
  type UserScope,
} from './link/link.dto';
import {
  type AccountBalancesDto,
  type AccountBalancesRequest,
  type AccountDto,
  type AccountListDto,
  type AccountSelectionStartedRequest,
  type AccountUpdateRequest,
  type AccountsListRequest,
  type BalanceRefreshRequest,
  type NetWorthDto,
  type NetWorthRequest,
} from './sync/accounts.dto';
import {
  type TransactionPageDto,
  type TransactionsListRequest,
  type SyncRequestAcceptedDto,
} from './sync/transactions.dto';
import { type TransactionChangesDto, type TransactionChangesRequest } from './sync/transaction-changes.dto';
import { type WebhookKeyRequest, type WebhookKeyResponse } from './link/webhook-key.dto';

// A response the service serialised itself: JSON text of T, passed through by the gateway unparsed.
export type JsonText<T> = string & { readonly __jsonOf?: T };

// Request and response types of every RPC pattern: the typed client cannot send a payload of the wrong shape.
export interface RpcContract {
  [MessagePattern.HealthPing]: { request: Record<string, never>; response: PingResponse };
  [MessagePattern.AuthSignup]: { request: SealedSignupRequest; response: UserDto };
  [MessagePattern.AuthLogin]: { request: SealedLoginRequest; response: SealedTokenPair };
  [MessagePattern.AuthRefresh]: { request: SealedRefreshRequest; response: SealedTokenPair };
  [MessagePattern.AuthLogout]: { request: LogoutRequest; response: { revoked: true } };
  [MessagePattern.AuthMe]: { request: MeRequest; response: UserDto };
  [MessagePattern.AuthRevocationsList]: {
    request: RevocationsListRequest;
    response: RevocationsListResponse;
  };
  [MessagePattern.AuthStreamTicketIssue]: { request: StreamTicketIssueRequest; response: StreamTicketIssued };
  [MessagePattern.AuthStreamTicketRedeem]: {
    request: StreamTicketRedeemRequest;
    response: StreamTicketRedeemed;
  };
  [MessagePattern.FeedSince]: { request: FeedSinceRequest; response: FeedSinceResponse };
  [MessagePattern.LinkTokenCreate]: { request: LinkTokenRequest; response: LinkTokenDto };
  [MessagePattern.LinkExchange]: { request: ExchangeRequest; response: ExchangeResultDto };
  [MessagePattern.ItemsList]: { request: UserScope; response: ItemListDto };
  [MessagePattern.ItemsGet]: { request: ItemRef; response: ItemDto };
  [MessagePattern.ItemsDelete]: { request: ItemRef; response: { deleted: true } };
  [MessagePattern.AccountsList]: { request: AccountsListRequest; response: AccountListDto };
  [MessagePattern.AccountsUpdate]: { request: AccountUpdateRequest; response: AccountDto };
  [MessagePattern.AccountBalances]: { request: AccountBalancesRequest; response: AccountBalancesDto };
  [MessagePattern.NetWorth]: { request: NetWorthRequest; response: NetWorthDto };
  [MessagePattern.BalanceRefresh]: { request: BalanceRefreshRequest; response: AccountListDto };
  [MessagePattern.ItemAccountsRefresh]: { request: ItemRef; response: AccountListDto };
  [MessagePattern.AccountSelectionStarted]: {
    request: AccountSelectionStartedRequest;
    response: { accepted: true };
  };
  [MessagePattern.TransactionsList]: {
    request: TransactionsListRequest;
    response: JsonText<TransactionPageDto>;
  };
  [MessagePattern.TransactionsListV1]: { request: TransactionsListRequest; response: TransactionPageDto };
  [MessagePattern.TransactionsChanges]: {
    request: TransactionChangesRequest;
    response: JsonText<TransactionChangesDto>;
  };
  [MessagePattern.SyncRequest]: { request: ItemRef; response: SyncRequestAcceptedDto };
  [MessagePattern.WebhookKeyGet]: { request: WebhookKeyRequest; response: WebhookKeyResponse };
}

export type RpcPattern = keyof RpcContract;
export type RpcRequest<P extends RpcPattern> = RpcContract[P]['request'];
export type RpcResponse<P extends RpcPattern> = RpcContract[P]['response'];
