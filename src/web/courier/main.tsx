import { mountMobileApp } from '../mobile/mount.js';
import { CourierApp } from './CourierApp.js';

mountMobileApp('/courier', <CourierApp />);
