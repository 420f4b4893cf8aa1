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
import {
  type DeletionStatusByTokenRequest,
  type DeletionStatusDto,
  type DeletionStatusRequest,
  type ExportProfileRequest,
  type ExportProfileResponse,
  type SealedDeletionAccepted,
  type SealedDeletionRequest,
  type SealedPasswordChangeRequest,
  type SessionListDto,
  type SessionRevokeRequest,
  type SessionsListRequest,
} from './account/account.dto';
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
import { type TransactionEditRequest, type TransactionRef } from './sync/transaction-edits.dto';
import {
  type RuleCreateRequest,
  type RuleDto,
  type RuleListDto,
  type RuleRef,
  type RuleUpdateRequest,
  type RulesListRequest,
} from './sync/rules.dto';
import { type RecurringListDto, type RecurringListRequest } from './sync/recurring.dto';
import { type SpendingDto, type SpendingRequest } from './sync/insights.dto';
import { type TransactionDto } from './sync/transactions.dto';
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
  [MessagePattern.AuthPasswordChange]: { request: SealedPasswordChangeRequest; response: { changed: true } };
  [MessagePattern.AuthSessionsList]: { request: SessionsListRequest; response: SessionListDto };
  [MessagePattern.AuthSessionRevoke]: { request: SessionRevokeRequest; response: { revoked: true } };
  [MessagePattern.AuthDeletionRequest]: { request: SealedDeletionRequest; response: SealedDeletionAccepted };
  [MessagePattern.AuthDeletionStatus]: { request: DeletionStatusRequest; response: DeletionStatusDto };
  [MessagePattern.AuthDeletionStatusByToken]: {
    request: DeletionStatusByTokenRequest;
    response: DeletionStatusDto;
  };
  [MessagePattern.AuthExportProfile]: { request: ExportProfileRequest; response: ExportProfileResponse };
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
  [MessagePattern.TransactionsGet]: { request: TransactionRef; response: JsonText<TransactionDto> };
  [MessagePattern.TransactionsEdit]: { request: TransactionEditRequest; response: JsonText<TransactionDto> };
  [MessagePattern.RulesList]: { request: RulesListRequest; response: RuleListDto };
  [MessagePattern.RulesCreate]: { request: RuleCreateRequest; response: RuleDto };
  [MessagePattern.RulesUpdate]: { request: RuleUpdateRequest; response: RuleDto };
  [MessagePattern.RulesDelete]: { request: RuleRef; response: { deleted: true } };
  [MessagePattern.RecurringList]: { request: RecurringListRequest; response: RecurringListDto };
  [MessagePattern.InsightsSpending]: { request: SpendingRequest; response: SpendingDto };
  [MessagePattern.WebhookKeyGet]: { request: WebhookKeyRequest; response: WebhookKeyResponse };
}

export type RpcPattern = keyof RpcContract;
export type RpcRequest<P extends RpcPattern> = RpcContract[P]['request'];
export type RpcResponse<P extends RpcPattern> = RpcContract[P]['response'];
