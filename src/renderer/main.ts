import { mount } from 'svelte';
import App from './App.svelte';
import { createApiClient } from './lib/api';
import { EditorStore, editorContext } from './lib/editor/store.svelte';
import './app.css';

const target = document.getElementById('app');
if (!target) throw new Error('#app is missing from index.html');

const store = new EditorStore(createApiClient());
mount(App, { target, context: editorContext(store) });
void store.init();
