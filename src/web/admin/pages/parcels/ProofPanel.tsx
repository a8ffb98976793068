// 领取凭证 in the parcel drawer: the kept photo or signature, and taking one: a webcam photo
// (getUserMedia, a frame drawn to a canvas as JPEG) or the resident's signature on the screen
// (signature_pad), uploaded to POST /api/parcels/:id/proof.
import { Button, Flex, Image, Modal, Typography } from 'antd';
import SignaturePad from 'signature_pad';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { api } from '../../../api.js';
import type { ParcelDetail } from '../../../api-types.js';
import type { T } from '../../../i18n.js';
import { useFeedback } from '../../common.js';

type Kind = 'photo' | 'signature';

const toFile = (canvas: HTMLCanvasElement, type: 'image/jpeg' | 'image/png', name: string) =>
  new Promise<File>((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(new File([b], name, { type })) : reject(new Error('canvas'))), type, type === 'image/jpeg' ? 0.85 : undefined),
  );

/** The webcam's picture, and 拍照 taking one frame of it. */
function Camera({ t, onShot }: { t: T; onShot: (f: File) => void }): ReactNode {
  const video = useRef<HTMLVideoElement>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    let stream: MediaStream | undefined;
    navigator.mediaDevices
      ?.getUserMedia({ video: true })
      .then((s) => {
        stream = s;
        if (video.current) video.current.srcObject = s;
      })
      .catch(() => setError(t('无法打开摄像头，请检查权限，或请住户签名')));
    return () => stream?.getTracks().forEach((tr) => tr.stop());
  }, [t]);
  const shoot = async () => {
    const v = video.current;
    if (!v || !v.videoWidth) return;
    const canvas = document.createElement('canvas');
    canvas.width = v.videoWidth;
    canvas.height = v.videoHeight;
    canvas.getContext('2d')?.drawImage(v, 0, 0);
    onShot(await toFile(canvas, 'image/jpeg', 'photo.jpg'));
  };
  if (error) return <Typography.Text type="danger">{error}</Typography.Text>;
  return (
    <Flex vertical gap={12}>
      <video ref={video} autoPlay playsInline muted style={{ width: '100%', background: '#000' }} data-testid="proof-video" />
      <Button type="primary" onClick={() => void shoot()}>
        {t('拍照')}
      </Button>
    </Flex>
  );
}

/** A pad the resident signs on with a finger or the mouse. */
function Signature({ t, onSigned }: { t: T; onSigned: (f: File) => void }): ReactNode {
  const canvas = useRef<HTMLCanvasElement>(null);
  const pad = useRef<SignaturePad | null>(null);
  const [empty, setEmpty] = useState(true);
  useEffect(() => {
    if (!canvas.current) return;
    const p = new SignaturePad(canvas.current, { backgroundColor: 'rgb(255, 255, 255)' });
    p.addEventListener('endStroke', () => setEmpty(p.isEmpty()));
    pad.current = p;
    return () => p.off();
  }, []);
  return (
    <Flex vertical gap={12}>
      <canvas
        ref={canvas}
        width={460}
        height={200}
        style={{ border: '1px solid #d9d9d9', touchAction: 'none' }}
        aria-label={t('签名区')}
        data-testid="signature-pad"
      />
      <Flex gap={8}>
        <Button
          onClick={() => {
            pad.current?.clear();
            setEmpty(true);
          }}
        >
          {t('清除')}
        </Button>
        <Button type="primary" disabled={empty} onClick={() => canvas.current && void toFile(canvas.current, 'image/png', 'signature.png').then(onSigned)}>
          {t('确认签名')}
        </Button>
      </Flex>
    </Flex>
  );
}

/** The kept proof, and 拍照 / 签名 to add one (while the parcel waits or was just handed out). */
export function ProofPanel({ p, t, onSaved }: { p: ParcelDetail; t: T; onSaved: () => void }): ReactNode {
  const [taking, setTaking] = useState<Kind | null>(null);
  const { ok, fail } = useFeedback();
  const canTake = p.status === 'awaiting_pickup' || p.status === 'picked_up';
  if (!p.hasProof && !canTake) return null;
  const save = async (kind: Kind, file: File) => {
    try {
      await api.upload(`/api/parcels/${p.id}/proof?kind=${kind}`, file);
      ok(t('领取凭证已保存'));
      setTaking(null);
      onSaved();
    } catch (err) {
      fail(err);
    }
  };
  return (
    <div style={{ marginTop: 16 }} data-testid="proof-panel">
      <Typography.Title level={5}>{t('领取凭证')}</Typography.Title>
      {p.hasProof && <Image src={`/api/parcels/${p.id}/proof`} alt={t('领取凭证')} width={240} data-testid="proof-image" />}
      {canTake && (
        <Flex gap={8} style={{ marginTop: 8 }}>
          <Button onClick={() => setTaking('photo')}>{t('拍照')}</Button>
          <Button onClick={() => setTaking('signature')}>{t('住户签名')}</Button>
        </Flex>
      )}
      <Modal
        open={taking !== null}
        title={taking === 'photo' ? t('拍照留证') : t('住户签名')}
        footer={null}
        onCancel={() => setTaking(null)}
        destroyOnHidden
        width={520}
      >
        {taking === 'photo' && <Camera t={t} onShot={(f) => void save('photo', f)} />}
        {taking === 'signature' && <Signature t={t} onSigned={(f) => void save('signature', f)} />}
      </Modal>
    </div>
  );
}
