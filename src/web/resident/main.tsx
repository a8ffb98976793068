import { mountMobileApp } from '../mobile/mount.js';
import { ResidentApp } from './ResidentApp.js';

mountMobileApp('/resident', <ResidentApp />);
