import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { useNoticesStore } from './stores/notices';
import './styles.css';

const app = createApp(App);
const pinia = createPinia();
app.use(pinia);

// An unexpected error is shown to the person as a message (never a silently broken view),
// and still logged, so tests that watch the console see it.
const notices = useNoticesStore(pinia);
app.config.errorHandler = (err, _instance, info) => {
  notices.error(`Something went wrong (${info})`, err);
  console.error(err);
};
window.addEventListener('unhandledrejection', (ev) => {
  notices.error('Something went wrong', ev.reason);
});

app.mount('#app');
