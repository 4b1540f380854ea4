export { LoginPage } from './pages/LoginPage';
export { RegisterPage } from './pages/RegisterPage';
