export { UserActions } from './components/UserActions';
export {
  mutesQueryOptions,
  useMutes,
  useMuteSite,
  useMuteWord,
  useUnmuteSite,
  useUnmuteUser,
  useUnmuteWord,
} from './api/mutes';
