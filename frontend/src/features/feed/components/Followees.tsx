import type { UserRef } from '@/lib/api/types';
import { useI18n } from '@/i18n/i18n';
import { Interpolate } from '@/components/ui/Interpolate';
import { NameList } from '@/components/ui/NameList';

/** "Bookmarked by alice, bob and 3 others", each name a link to its page. */
export function Followees({ users, count }: { users: UserRef[]; count: number }) {
  const { t } = useI18n();
  return (
    <p className="followees small" data-testid="followees">
      <Interpolate
        text={t('myHot.by')}
        values={{
          names: (
            <NameList
              users={users}
              count={count}
              className="followees__name"
              others={(n) => t(n === 1 ? 'myHot.otherOne' : 'myHot.others', { count: n })}
            />
          ),
        }}
      />
    </p>
  );
}
