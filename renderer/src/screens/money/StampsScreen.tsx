import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LanguageCode, PurchaseRefusal, StampBook, StampPurchase } from '../../../../main/contract';
import type { DeviceClient } from '../../api/client';
import { formatMoney, formatWhen } from '../../i18n/format';
import { ScreenFrame } from '../../frame/ScreenFrame';
import { hubRefusalText } from '../../i18n/hubRefusal';
import { useMoneyData } from './useMoneyData';
import { withRunningBalance } from './stampRunningBalance';

interface StampsScreenProps {
  api: DeviceClient;
  language: LanguageCode;
  onClose(): void;
}

/** One purchase asked for here: waiting, done with its receipt, or refused, worded here from the facility's code and figures. */
function PurchaseCard({ purchase, language }: { purchase: StampPurchase; language: LanguageCode }) {
  const { t } = useTranslation();
  const { outcome } = purchase;
  return (
    <li className={`purchase purchase--${outcome.state}`} data-testid="purchase" data-state={outcome.state} data-request-id={purchase.requestId}>
      <p className="purchase__what">
        {t('stamps.purchase.book', { count: purchase.bookSize })}
        {purchase.priceCents === null ? null : ` · ${formatMoney(purchase.priceCents, language)}`}
        <span className="purchase__when"> · {formatWhen(purchase.requestedAt, language)}</span>
      </p>
      {outcome.state === 'pending' ? <p className="purchase__state">{t('stamps.purchase.pending')}</p> : null}
      {outcome.state === 'refused' ? (
        <p className="purchase__state purchase__state--problem">
          {t('stamps.purchase.refused')} <span data-testid="purchase-hub-refusal">{hubRefusalText(outcome.refusal, language, t)}</span>{' '}
          {t('stamps.purchase.nothingCharged')}
        </p>
      ) : null}
      {outcome.state === 'completed' ? (
        <div className="receipt" data-testid="receipt">
          <p className="receipt__title">{t('stamps.receipt.title')}</p>
          <p>{t('stamps.receipt.reference', { reference: outcome.receipt.reference })}</p>
          <p>
            {t('stamps.receipt.bought', { count: outcome.receipt.bookSize })}
            {outcome.receipt.priceCents === null ? null : ` · ${t('stamps.receipt.paid', { amount: formatMoney(outcome.receipt.priceCents, language) })}`}
          </p>
          <p>{formatWhen(outcome.receipt.at, language)}</p>
          {outcome.balanceUpdated ? null : <p className="receipt__note">{t('stamps.receipt.updating')}</p>}
        </div>
      ) : null}
    </li>
  );
}

/** "Buy this book?" — centred and modal, its buttons in view at every size; Cancel has the focus. */
function PurchaseDialog({
  choice,
  language,
  buying,
  onBuy,
  onCancel,
}: {
  choice: StampBook;
  language: LanguageCode;
  buying: boolean;
  onBuy(): void;
  onCancel(): void;
}) {
  const { t } = useTranslation();
  const titleId = useId();
  const cancelButton = useRef<HTMLButtonElement>(null);
  useEffect(() => cancelButton.current?.focus(), []);
  return (
    <div className="dialog-backdrop">
      <div className="dialog" role="dialog" aria-modal="true" aria-labelledby={titleId} data-testid="confirm-purchase">
        <h2 id={titleId} className="dialog__title">
          {t('stamps.confirm', { count: choice.stamps, price: formatMoney(choice.priceCents, language) })}
        </h2>
        <div className="dialog__actions">
          <button ref={cancelButton} type="button" className="button button--secondary button--wide" onClick={onCancel}>
            {t('stamps.confirmNo')}
          </button>
          <button type="button" className="button button--primary button--wide" data-testid="confirm-buy" disabled={buying} onClick={onBuy}>
            {t('stamps.confirmYes')}
          </button>
        </div>
      </div>
    </div>
  );
}

function refusalText(refusal: PurchaseRefusal, language: LanguageCode, t: ReturnType<typeof useTranslation>['t']): string {
  switch (refusal.reason) {
    case 'unknownBook':
      return t('stamps.refusal.unknownBook');
    case 'notEnoughMoney':
      return t('stamps.refusal.notEnoughMoney', {
        needed: formatMoney(refusal.neededCents, language),
        available: formatMoney(refusal.availableCents, language),
      });
    default: {
      const unknownRefusal: never = refusal;
      return unknownRefusal;
    }
  }
}

/** Stamps: what the person has, books to buy with their money, purchases in flight, and every stamp's history. */
export function StampsScreen({ api, language, onClose }: StampsScreenProps) {
  const { t } = useTranslation();
  const load = useCallback(() => api.call('money.stamps', {}), [api]);
  const [view, refresh] = useMoneyData(api, load);
  const [choice, setChoice] = useState<StampBook | null>(null);
  const [refusal, setRefusal] = useState<string | null>(null);
  const [buying, setBuying] = useState(false);
  // One request id per confirmed choice: a double tap or a retry is the same purchase, charged once.
  const [requestId, setRequestId] = useState<string>(() => crypto.randomUUID());

  const buy = async (book: StampBook): Promise<void> => {
    setBuying(true);
    try {
      const result = await api.call('money.buyStamps', { requestId, bookSize: book.stamps });
      if (result.ok) {
        setChoice(null);
        setRefusal(null);
        setRequestId(crypto.randomUUID());
      } else {
        setRefusal(refusalText(result.refusal, language, t));
      }
      refresh();
    } finally {
      setBuying(false);
    }
  };

  // What the person can spend now: the confirmed balance less purchases still waiting for the facility. A book that costs
  // more is shown as such, with why, before "Buy" — never refused after it.
  const spendableCents =
    view?.balance == null
      ? null
      : Math.max(
          0,
          view.balance.availableCents -
            view.purchases.reduce((sum, purchase) => sum + (purchase.outcome.state === 'pending' ? (purchase.priceCents ?? 0) : 0), 0),
        );

  return (
    <ScreenFrame
      screen="stamps"
      instructions={t('stamps.instructions')}
      title={t('stamps.title')}
      actions={
        <button type="button" className="button button--secondary action--back" data-testid="stamps-home" onClick={onClose}>
          {t('mail.backHome')}
        </button>
      }
    >
      <div className="money">
        {view === null ? null : (
          <>
            {choice === null ? null : (
              <PurchaseDialog choice={choice} language={language} buying={buying} onBuy={() => void buy(choice)} onCancel={() => setChoice(null)} />
            )}
            <section className="money__balance" data-testid="stamp-balance">
              {view.balance === null ? (
                <p>{t('stamps.notConfirmed')}</p>
              ) : (
                <>
                  <p className="money__big">{t('home.facts.stamps', { count: view.balance.stamps })}</p>
                  <p>
                    {t('money.available', { amount: formatMoney(view.balance.availableCents, language) })} ·{' '}
                    {t('money.confirmedAt', { when: formatWhen(view.balance.confirmedAt, language) })}
                  </p>
                </>
              )}
            </section>

            <section aria-labelledby="stamp-books-title">
              <h2 id="stamp-books-title" className="money__heading">
                {t('stamps.buyTitle')}
              </h2>
              {view.books.length === 0 ? <p>{t('stamps.noBooks')}</p> : null}
              <ul className="books">
                {view.books.map((book) => {
                  const affordable = spendableCents === null || book.priceCents <= spendableCents;
                  return (
                    <li key={book.stamps} className="books__item">
                      <button
                        type="button"
                        className="button button--secondary book"
                        data-testid="stamp-book"
                        data-stamps={book.stamps}
                        data-affordable={affordable}
                        disabled={!affordable}
                        aria-describedby={affordable ? undefined : `book-why-${book.stamps}`}
                        onClick={() => {
                          setChoice(book);
                          setRefusal(null);
                        }}
                      >
                        {t('stamps.book', { count: book.stamps, price: formatMoney(book.priceCents, language) })}
                      </button>
                      {affordable || spendableCents === null ? null : (
                        <span id={`book-why-${book.stamps}`} className="books__why" data-testid="book-unaffordable">
                          {t('stamps.cannotAfford', { available: formatMoney(spendableCents, language) })}
                        </span>
                      )}
                    </li>
                  );
                })}
              </ul>
              {refusal === null ? null : (
                <p className="notice notice--problem" role="alert" data-testid="purchase-refusal">
                  {refusal} {t('stamps.purchase.nothingCharged')}
                </p>
              )}
            </section>

            {view.purchases.length === 0 ? null : (
              <section aria-labelledby="purchases-title">
                <h2 id="purchases-title" className="money__heading">
                  {t('stamps.purchasesTitle')}
                </h2>
                <ul className="plain-list">
                  {view.purchases.map((purchase) => (
                    <PurchaseCard key={purchase.requestId} purchase={purchase} language={language} />
                  ))}
                </ul>
              </section>
            )}

            <section aria-labelledby="stamp-history-title">
              <h2 id="stamp-history-title" className="money__heading">
                {t('stamps.historyTitle')}
              </h2>
              {view.history.length === 0 ? <p>{t('stamps.noHistory')}</p> : null}
              <ul className="ledger" data-testid="stamp-history">
                {withRunningBalance(view.history, view.balance?.stamps ?? null).map(({ entry, balanceAfter }) => (
                  <li key={entry.id} className="ledger__row" data-testid="stamp-entry" data-kind={entry.kind}>
                    <span className="ledger__when">{formatWhen(entry.at, language)}</span>
                    <span className="ledger__what">
                      {t(`stamps.kind.${entry.kind}`)}
                      {entry.reference === '' ? null : (
                        <>
                          {' · '}
                          <bdi className="ledger__reference">{entry.reference}</bdi>
                        </>
                      )}
                    </span>
                    <span className={entry.stamps < 0 ? 'ledger__amount ledger__amount--out' : 'ledger__amount'}>
                      {entry.stamps > 0 ? `+${entry.stamps}` : String(entry.stamps)}
                    </span>
                    <span className="ledger__balance" data-testid="stamp-running-balance">
                      {balanceAfter === null ? '' : t('stamps.balanceAfter', { count: balanceAfter })}
                    </span>
                  </li>
                ))}
              </ul>
            </section>
          </>
        )}
      </div>
    </ScreenFrame>
  );
}
