// 已送达, as the runner marks it on a phone at the door: an optional photo taken with the phone's
// camera (<input capture>), made small enough to upload, kept as the parcels' proof of pickup.
import { CameraOutlined } from '@ant-design/icons';
import { Button, Flex, Modal, Typography } from 'antd';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { api } from '../../../api.js';
import type { DoorDelivery } from '../../../api-types.js';
import { useT } from '../../../i18n.js';
import { COMMON_EN, useFeedback } from '../../common.js';
import { uploadablePhoto } from '../services/common.js';
import { EN } from '../services/en.js';

export function DeliveredModal(props: { delivery: DoorDelivery; open: boolean; onCancel: () => void; onDone: () => void; onClosed: () => void }): ReactNode {
  const t = useT(EN, COMMON_EN);
  const { ok, fail } = useFeedback();
  const d = props.delivery;
  const input = useRef<HTMLInputElement>(null);
  const [photo, setPhoto] = useState<File | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const [problem, setProblem] = useState('');
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    if (!photo) return setPreview(null);
    const url = URL.createObjectURL(photo);
    setPreview(url);
    return () => URL.revokeObjectURL(url);
  }, [photo]);

  const picked = async (file: File | undefined) => {
    if (!file) return;
    const ready = await uploadablePhoto(file);
    setProblem(ready ? '' : t('无法读取该照片，请重新拍摄'));
    setPhoto(ready);
  };

  const save = async () => {
    setSaving(true);
    try {
      const path = `/api/deliveries/${d.id}/delivered`;
      await (photo ? api.upload<DoorDelivery>(path, photo) : api.post<DoorDelivery>(path));
      ok(t('已送达并完成领取'));
      props.onDone();
    } catch (err) {
      fail(err);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      title={t('确认已送达')}
      open={props.open}
      okText={t('已送达')}
      cancelText={t('取消')}
      confirmLoading={saving}
      onOk={() => void save()}
      onCancel={props.onCancel}
      afterClose={props.onClosed}
    >
      <Typography.Paragraph>
        {d.communityName} {d.parcels[0]?.recipientName ?? ''} {d.parcels[0]?.address ?? ''}
        <br />
        <Typography.Text type="secondary">{d.parcels.map((p) => `${p.carrier} ${p.trackingNo}`).join('，')}</Typography.Text>
      </Typography.Paragraph>
      {/* The phone's own camera: no permission prompt, and it works on plain http too. */}
      <input
        ref={input}
        type="file"
        accept="image/*"
        capture="environment"
        hidden
        data-testid="delivered-photo"
        onChange={(e) => {
          void picked(e.target.files?.[0]);
          e.target.value = '';
        }}
      />
      <Flex vertical gap={8}>
        {preview ? (
          <>
            <img src={preview} alt={t('拍照留证（选填）')} style={{ maxWidth: '100%', maxHeight: 240, objectFit: 'contain', alignSelf: 'flex-start' }} />
            <Flex gap={8}>
              <Button icon={<CameraOutlined />} onClick={() => input.current?.click()}>
                {t('重拍')}
              </Button>
              <Button onClick={() => setPhoto(null)}>{t('移除照片')}</Button>
            </Flex>
          </>
        ) : (
          <Button icon={<CameraOutlined />} size="large" onClick={() => input.current?.click()} style={{ alignSelf: 'flex-start' }}>
            {t('拍照留证（选填）')}
          </Button>
        )}
        {problem && <Typography.Text type="danger">{problem}</Typography.Text>}
        <Typography.Text type="secondary">{t('照片会作为这些包裹的领取凭证保存。')}</Typography.Text>
      </Flex>
    </Modal>
  );
}
