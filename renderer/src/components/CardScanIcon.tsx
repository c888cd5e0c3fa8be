/** A plain line drawing of an ID card held to a reader; decorative, the heading says what to do. */
export function CardScanIcon() {
  return (
    <svg className="card-scan-icon" viewBox="0 0 160 120" aria-hidden="true" focusable="false">
      {/* the reader */}
      <rect x="92" y="14" width="56" height="92" rx="10" className="card-scan-icon__reader" />
      <circle cx="120" cy="40" r="6" className="card-scan-icon__light" />
      {/* the card, tilted towards the reader */}
      <g transform="rotate(-12 52 70)">
        <rect x="12" y="42" width="80" height="54" rx="7" className="card-scan-icon__card" />
        <circle cx="32" cy="64" r="9" className="card-scan-icon__line" />
        <line x1="48" y1="58" x2="80" y2="58" className="card-scan-icon__line" />
        <line x1="48" y1="70" x2="72" y2="70" className="card-scan-icon__line" />
        <line x1="22" y1="84" x2="80" y2="84" className="card-scan-icon__line" />
      </g>
    </svg>
  );
}
