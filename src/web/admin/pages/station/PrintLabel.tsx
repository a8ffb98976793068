// The 40×30 mm sticker of a parcel taken in at the desk: its shelf label, pickup code, the tail of
// the phone and the community, printed through the browser's print dialog (a thermal printer set
// to 40×30 mm paper). Only the label is printed; the page around it is hidden for print.
import { useState, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import type { Parcel } from '../../../api-types.js';
import { maskPhone } from '../../../../shared/phone.js';
import './station.css';

export function LabelFace({ p }: { p: Parcel }): ReactNode {
  return (
    <div className="kd-label" data-testid="print-label">
      <div className="kd-label-shelf">{p.shelfLabel ?? p.communityName}</div>
      <div className="kd-label-code">{p.pickupCode}</div>
      <div className="kd-label-small">
        {p.recipientName ? `${p.recipientName} ` : ''}
        {maskPhone(p.recipientPhone)}
      </div>
      <div className="kd-label-small">
        {p.communityName} · {p.carrier} {p.trackingNo.slice(-4)}
      </div>
    </div>
  );
}

function printHost(): HTMLElement {
  let host = document.getElementById('kd-print');
  if (!host) {
    host = document.createElement('div');
    host.id = 'kd-print';
    document.body.appendChild(host);
  }
  return host;
}

/** The labels waiting to print (in a portal outside the app) and the call that prints them. */
export function usePrintLabels(): { sheet: ReactNode; print: (parcels: Parcel[]) => void } {
  const [labels, setLabels] = useState<Parcel[]>([]);
  const print = (parcels: Parcel[]) => {
    setLabels(parcels);
    // After React has drawn them: the dialog prints what is on the page.
    requestAnimationFrame(() => requestAnimationFrame(() => window.print()));
  };
  const sheet = labels.length
    ? createPortal(
        labels.map((p) => <LabelFace key={p.id} p={p} />),
        printHost(),
      )
    : null;
  return { sheet, print };
}
