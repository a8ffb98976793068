// The camera scanner, loaded only when the courier taps 扫码 (zxing is most of its weight).
// Reads the 1-D symbologies printed on Chinese waybills and QR codes; anything it cannot do
// (no camera, permission refused, plain-http page) says so, and typing the number still works.
import { BrowserMultiFormatReader, type IScannerControls } from '@zxing/browser';
import { BarcodeFormat, DecodeHintType } from '@zxing/library';
import { Button } from 'antd-mobile';
import { useEffect, useRef, useState } from 'react';
import { useT } from '../i18n.js';
import { COURIER_EN } from './en.js';

const FORMATS = [
  BarcodeFormat.CODE_128,
  BarcodeFormat.CODE_39,
  BarcodeFormat.CODE_93,
  BarcodeFormat.CODABAR,
  BarcodeFormat.EAN_13,
  BarcodeFormat.EAN_8,
  BarcodeFormat.ITF,
  BarcodeFormat.UPC_A,
  BarcodeFormat.UPC_E,
  BarcodeFormat.QR_CODE,
];

function cameraError(err: unknown): string {
  const name = err instanceof DOMException || err instanceof Error ? err.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return '未获得摄像头权限，请手动输入单号';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return '未找到可用的摄像头，请手动输入单号';
  if (name === 'NotReadableError') return '摄像头正被其他应用占用，请手动输入单号';
  return '无法打开摄像头，请手动输入单号';
}

interface Props {
  onResult: (text: string) => void;
  onClose: () => void;
}

/** A full-screen camera view that closes with the first code it reads. */
export default function Scanner({ onResult, onClose }: Props) {
  const t = useT(COURIER_EN);
  const video = useRef<HTMLVideoElement>(null);
  const [error, setError] = useState('');

  useEffect(() => {
    let controls: IScannerControls | undefined;
    let done = false;
    if (!navigator.mediaDevices?.getUserMedia) {
      setError('当前页面无法使用摄像头（需要 HTTPS），请手动输入单号');
      return;
    }
    const hints = new Map<DecodeHintType, unknown>([
      [DecodeHintType.POSSIBLE_FORMATS, FORMATS],
      [DecodeHintType.TRY_HARDER, true],
    ]);
    const reader = new BrowserMultiFormatReader(hints, { delayBetweenScanAttempts: 100 });
    const el = video.current;
    if (!el) return;
    reader
      .decodeFromConstraints({ audio: false, video: { facingMode: { ideal: 'environment' } } }, el, (result, _err, c) => {
        if (!result || done) return;
        done = true;
        c.stop();
        navigator.vibrate?.(60); // a short buzz: the courier knows it read without looking
        onResult(result.getText());
      })
      .then(
        (c) => {
          controls = c;
          if (done) c.stop();
        },
        (err: unknown) => setError(cameraError(err)),
      );
    return () => {
      done = true;
      controls?.stop();
    };
  }, [onResult]);

  return (
    <div className="kd-scanner" role="dialog" aria-label={t('扫描快递单号')}>
      <video ref={video} muted playsInline className="kd-scanner-video" />
      {!error && <div className="kd-scanner-frame" aria-hidden />}
      <div className="kd-scanner-bar">
        <div className="kd-scanner-tip" role={error ? 'alert' : undefined}>
          {error ? t(error) : t('将条形码放入框内，即可自动扫描')}
        </div>
        <Button block fill="outline" className="kd-scanner-close" onClick={onClose}>
          {error ? t('手动输入') : t('取消')}
        </Button>
      </div>
    </div>
  );
}
