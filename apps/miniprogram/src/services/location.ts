// The phone's position in GCJ-02. The mini-program explains why before WeChat asks
// (scope.userLocation); H5 uses the browser's geolocation (WGS-84, converted).
import { wgs84ToGcj02 } from '../lib/coords.ts';
import { isH5 } from './config.ts';

export interface Position {
  lat: number;
  lng: number;
  accuracyM: number;
}

export class LocationRefused extends Error {}

function browserPosition(): Promise<Position> {
  return new Promise((resolve, reject) => {
    if (typeof navigator === 'undefined' || !navigator.geolocation)
      return reject(new LocationRefused('no geolocation'));
    navigator.geolocation.getCurrentPosition(
      (p) => {
        const g = wgs84ToGcj02(p.coords.latitude, p.coords.longitude);
        resolve({ ...g, accuracyM: p.coords.accuracy || 30 });
      },
      (err) => reject(new LocationRefused(err.message)),
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 0 },
    );
  });
}

function authorizeWithReason(): Promise<void> {
  return new Promise((resolve, reject) => {
    uni.getSetting({
      success: (settings) => {
        if (settings.authSetting['scope.userLocation']) return resolve();
        uni.showModal({
          title: '需要你的位置',
          content: '用于查找附近场馆、计算距离，以及到场打卡时确认你在场馆内。',
          confirmText: '允许',
          cancelText: '不允许',
          success: (res) => {
            if (!res.confirm) return reject(new LocationRefused('declined'));
            uni.authorize({
              scope: 'scope.userLocation',
              success: () => resolve(),
              fail: () => reject(new LocationRefused('refused')),
            });
          },
        });
      },
      fail: () => reject(new LocationRefused('settings unavailable')),
    });
  });
}

export async function currentPosition(): Promise<Position> {
  if (isH5) return browserPosition();
  await authorizeWithReason();
  return new Promise((resolve, reject) =>
    uni.getLocation({
      type: 'gcj02',
      isHighAccuracy: true,
      success: (res) => resolve({ lat: res.latitude, lng: res.longitude, accuracyM: res.accuracy || 30 }),
      fail: (err) => reject(new LocationRefused(err.errMsg)),
    }),
  );
}

export function haversineM(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.sqrt(h));
}

/** Opens a map at the venue: WeChat's map in the mini-program, Amap's web page in H5. */
export function openMap(venue: { name: string; address: string; location: { lat: number; lng: number } }) {
  if (isH5) {
    const url = `https://uri.amap.com/marker?position=${venue.location.lng},${venue.location.lat}&name=${encodeURIComponent(venue.name)}&coordinate=gaode`;
    window.open(url, '_blank');
    return;
  }
  uni.openLocation({
    latitude: venue.location.lat,
    longitude: venue.location.lng,
    name: venue.name,
    address: venue.address,
  });
}
