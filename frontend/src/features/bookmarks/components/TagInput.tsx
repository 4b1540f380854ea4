import { useId, useMemo, useState } from 'react';
import { useI18n } from '@/i18n/i18n';
import { TAGS_MAX, mergeTags, splitTags } from '@/lib/url';

interface TagInputProps {
  tags: string[];
  onChange: (tags: string[]) => void;
  suggestions: { tag: string; count: number }[];
  error?: string;
  id?: string;
}

/** Chips plus a text field; Enter, space or comma commit a tag. */
export function TagInput({ tags, onChange, suggestions, error, id }: TagInputProps) {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const fallbackId = useId();
  const inputId = id ?? fallbackId;
  const hintId = `${inputId}-hint`;
  const errorId = `${inputId}-error`;

  const commit = (raw: string) => {
    const added = splitTags(raw);
    if (added.length) onChange(mergeTags(tags, added).slice(0, TAGS_MAX));
    setText('');
  };

  const shown = useMemo(() => {
    const prefix = text.trim().toLowerCase();
    const chosen = new Set(tags.map((x) => x.toLowerCase()));
    return suggestions
      .filter((s) => !chosen.has(s.tag.toLowerCase()) && (!prefix || s.tag.toLowerCase().startsWith(prefix)))
      .sort((a, b) => b.count - a.count)
      .slice(0, 8);
  }, [suggestions, tags, text]);

  return (
    <div className="tag-input">
      <div className={`tag-input__box${error ? ' is-invalid' : ''}`}>
        {tags.map((tag) => (
          <span key={tag} className="chip">
            <span>{tag}</span>
            <button
              type="button"
              className="chip__remove"
              aria-label={t('bm.removeTag', { tag })}
              onClick={() => onChange(tags.filter((x) => x !== tag))}
            >
              ×
            </button>
          </span>
        ))}
        <input
          id={inputId}
          className="tag-input__field"
          value={text}
          placeholder={tags.length >= TAGS_MAX ? '' : t('bm.tagsPlaceholder')}
          disabled={tags.length >= TAGS_MAX}
          aria-describedby={error ? `${hintId} ${errorId}` : hintId}
          aria-invalid={error ? true : undefined}
          autoComplete="off"
          onChange={(e) => {
            const v = e.target.value;
            if (/[\s,、]$/u.test(v)) commit(v);
            else setText(v);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              if (text.trim()) {
                e.preventDefault();
                commit(text);
              }
            } else if (e.key === 'Backspace' && text === '' && tags.length > 0) {
              onChange(tags.slice(0, -1));
            }
          }}
          onBlur={() => {
            if (text.trim()) commit(text);
          }}
        />
      </div>
      <p id={hintId} className="hint">
        {t('bm.tagsHint', { max: TAGS_MAX })}
      </p>
      {error ? (
        <p id={errorId} className="field-error">
          {error}
        </p>
      ) : null}
      {shown.length > 0 && tags.length < TAGS_MAX ? (
        <div className="suggestions">
          <span className="suggestions__label">{t('bm.suggestions')}</span>
          <ul>
            {shown.map((s) => (
              <li key={s.tag}>
                <button type="button" className="tag tag--button" onClick={() => commit(s.tag)}>
                  {s.tag} <span className="count">{s.count}</span>
                </button>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
