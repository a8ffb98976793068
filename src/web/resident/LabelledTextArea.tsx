import { TextArea, type TextAreaProps, type TextAreaRef } from 'antd-mobile';
import { useEffect, useRef } from 'react';

/**
 * antd-mobile's TextArea with its label on the <textarea> itself: the component puts aria-*
 * props on its wrapper, and a Form.Item without a field name labels nothing, so screen readers
 * (and the browser tests) would find an unnamed box.
 */
export function LabelledTextArea({ label, ...props }: TextAreaProps & { label: string }) {
  const ref = useRef<TextAreaRef>(null);
  useEffect(() => {
    ref.current?.nativeElement?.setAttribute('aria-label', label);
  }, [label]);
  return <TextArea ref={ref} {...props} />;
}
